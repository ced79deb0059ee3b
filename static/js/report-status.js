// Progressive enhancement of "Preparing your PDF": without JavaScript the reader follows
// "Check if your PDF is ready"; with it, this checks the same page every few seconds and
// reloads it once the background render has finished (ready or failed).
const POLL_MS = 3000
const GIVE_UP_MS = 10 * 60 * 1000

function stateIn (html) {
  const page = new DOMParser().parseFromString(html, 'text/html')
  return page.querySelector('[data-report-state]')?.dataset.reportState
}

function watch (container) {
  const announce = container.querySelector('[data-report-announce]')
  const started = Date.now()
  const check = async () => {
    if (Date.now() - started > GIVE_UP_MS) return
    try {
      const response = await fetch(window.location.href, { credentials: 'same-origin', cache: 'no-store' })
      const state = response.ok ? stateIn(await response.text()) : null
      if (state && state !== 'pending') {
        if (announce) announce.textContent = 'Your PDF has finished preparing. The page is reloading.'
        window.location.reload()
        return
      }
    } catch (error) {
      // A network hiccup: try again at the next interval.
    }
    window.setTimeout(check, POLL_MS)
  }
  window.setTimeout(check, POLL_MS)
}

const container = document.querySelector('[data-report-state="pending"]')
if (container) watch(container)
