// The warning before the inactivity sign-out (WCAG 2.2.1 Timing Adjustable), following the
// GOV.UK pattern "warn users before a session times out". The server decides: the page
// only counts down from what the server said, asks it again before acting (another tab may
// have kept the session alive), and reloads when the session really ended, so the server's
// own sign-in page says why.

const TICK_MS = 1000

function words (seconds) {
  if (seconds >= 60) {
    const minutes = Math.ceil(seconds / 60)
    return `${minutes} minute${minutes === 1 ? '' : 's'}`
  }
  return `${seconds} second${seconds === 1 ? '' : 's'}`
}

function enhance (dialog) {
  if (typeof dialog.showModal !== 'function') return
  const warnMs = Number(dialog.dataset.warnSeconds) * 1000
  const countdown = dialog.querySelector('[data-timeout-countdown]')
  const announce = dialog.querySelector('[data-timeout-announce]')
  const final = dialog.querySelector('[data-timeout-final]')
  const keepAlive = dialog.querySelector('form[data-timeout-keep-alive]')
  let idleEnd = 0
  let absoluteEnd = 0
  let checking = false
  let lastAnnounced = null

  const learn = (status) => {
    const now = Date.now()
    idleEnd = now + status.idle_seconds_left * 1000
    absoluteEnd = now + status.absolute_seconds_left * 1000
  }
  learn({
    idle_seconds_left: Number(dialog.dataset.idleSeconds),
    absolute_seconds_left: Number(dialog.dataset.absoluteSeconds)
  })

  // The server has signed the session out (and put the reason in the next page it shows).
  const ended = () => {
    const here = window.location.pathname + window.location.search
    window.location.assign(`${dialog.dataset.signInUrl}?next=${encodeURIComponent(here)}`)
  }

  const ask = async (url, options) => {
    // A redirect means signed out: don't follow it here, or its message would be lost.
    const response = await fetch(url, {
      credentials: 'same-origin',
      redirect: 'manual',
      headers: { Accept: 'application/json' },
      ...options
    })
    const json = response.ok && (response.headers.get('Content-Type') || '').includes('application/json')
    if (!json) throw new Error('signed out')
    return response.json()
  }

  const show = (remainingMs) => {
    const seconds = Math.max(0, Math.ceil(remainingMs / 1000))
    countdown.textContent = words(seconds)
    const canExtend = absoluteEnd > idleEnd
    final.hidden = canExtend
    keepAlive.hidden = !canExtend
    // Announce when the dialog opens, then each minute, then every 20 seconds: never every
    // second, which would drown a screen reader.
    const step = seconds > 60 ? Math.ceil(seconds / 60) * 60 : Math.ceil(seconds / 20) * 20
    if (step !== lastAnnounced) {
      lastAnnounced = step
      announce.textContent = `We will sign you out in ${words(seconds)}.`
    }
    if (!dialog.open) dialog.showModal()
  }

  const tick = async () => {
    const remaining = Math.min(idleEnd, absoluteEnd) - Date.now()
    if (remaining > warnMs || checking) return
    if (!dialog.open || remaining <= 0) {
      // Before warning, and before acting on the end: how long is really left?
      checking = true
      try {
        learn(await ask(dialog.dataset.statusUrl))
      } catch (error) {
        ended()
        return
      } finally {
        checking = false
      }
      const now = Math.min(idleEnd, absoluteEnd) - Date.now()
      if (now <= 0) { ended(); return }
      if (now > warnMs) { if (dialog.open) dialog.close(); return }
      show(now)
      return
    }
    show(remaining)
  }

  const stay = async (event) => {
    event.preventDefault()
    try {
      learn(await ask(keepAlive.action, { method: 'POST', body: new FormData(keepAlive) }))
    } catch (error) {
      ended()
      return
    }
    lastAnnounced = null
    dialog.close()
  }

  keepAlive.addEventListener('submit', stay)
  // Escape closes a modal dialog: treat it as "stay signed in", as the pattern advises.
  dialog.addEventListener('cancel', (event) => {
    if (!keepAlive.hidden) stay(event)
  })
  window.setInterval(tick, TICK_MS)
}

for (const dialog of document.querySelectorAll('[data-app-timeout]')) {
  enhance(dialog)
}
