"""Exporting the PDF reports: the approved snapshot, the content-keyed cache, or a render.

An approved review always answers with the bytes stored at approval: approval fixes the
report's HTML, and its PDFs are laid out from that — in the approval itself (the API) or by
the background job (the browser). Before approval, the PDF is keyed by its content
(pdf/render.py `content_key`): an unchanged review answers from the cache in
milliseconds, a changed one is rendered by the job worker.

Web processes lay out no PDF for a download: the job worker renders it at a lower CPU
priority, so PDFs never take the CPU that ordinary pages need (issue 13, `make
bench-load`). A short one is waited for (PDF_WAIT_SECONDS, no transaction open while
waiting) and answered as if rendered in the request; a long one, or one not ready in that
time, shows "Preparing your PDF" in the browser and answers 503 with Retry-After in the API.

One module per concern, each importing only those before it (callers import from the
module that holds a function; nothing is re-exported here):

- `cache`: the content-keyed cache (`RenderedReport` rows): the content stamp, a row asked
  for, made or failed, and whether a finished render may still write it.
- `snapshots`: the PDFs stored at approval (`ReportSnapshot`): reading them, keeping the
  approved HTML for the job, laying it out once into every format and storing it.
- `work`: the background job — the Huey tasks, claiming a render, retries, renders lost
  with their worker, enqueueing.
- `exports`: what a download gets — the stored PDF, the cached one, or the worker's render
  (waited for when short), its file name, and the export's audit event.
"""
