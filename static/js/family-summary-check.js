// Progressive enhancement of the Summary for the family page: the check follows typing.
// Without JavaScript the check runs when the summary is saved (the page shows it); the
// rules live in sfo_review/services/family_summary.py, asked here through the page's own
// live-check route (a POST with the page's CSRF token), at most once per pause in typing.

const PAUSE_MS = 400

function item (entry) {
  const li = document.createElement('li')
  li.dataset.kind = entry.kind
  li.textContent = `“${entry.text}”: ${entry.suggestion}`
  return li
}

function show (box, check) {
  const list = box.querySelector('#check-items')
  const count = box.querySelector('#check-count')
  const age = box.querySelector('#reading-age')
  list.replaceChildren(...check.items.map(item))
  const tag = document.createElement('strong')
  tag.className = check.items.length ? 'govuk-tag govuk-tag--red' : 'govuk-tag govuk-tag--green'
  tag.textContent = check.items.length ? `${check.items.length} to change` : 'Nothing to change'
  count.replaceChildren(tag)
  const r = check.readability
  age.textContent = r.reading_age === null
    ? 'Reading age: nothing written yet.'
    : `Reading age: about ${r.reading_age} (aim for about ${r.aim} or lower).`
}

function enhance (form) {
  const box = document.getElementById('family-summary-check')
  const text = form.querySelector('[name="family_summary"]')
  if (!box || !text) return
  let timer = null
  let asked = 0
  const ask = async () => {
    const mine = ++asked
    const body = new FormData()
    body.append('csrf_token', form.querySelector('[name="csrf_token"]').value)
    body.append('family_summary', text.value)
    try {
      const response = await fetch(form.dataset.checkUrl, { method: 'POST', body, credentials: 'same-origin' })
      if (!response.ok || mine !== asked) return
      show(box, await response.json())
    } catch {
      // The check on saving still runs.
    }
  }
  text.addEventListener('input', () => {
    clearTimeout(timer)
    timer = setTimeout(ask, PAUSE_MS)
  })
}

const form = document.getElementById('summary-form')
if (form && form.dataset.checkUrl) enhance(form)
