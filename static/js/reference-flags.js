// Progressive enhancement of the caseload context form: the published reference points are
// flagged as the user types. Without JavaScript the flag shows for the figures as loaded
// (for example after a failed save); the saved record is always flagged on the server.

function enhance (flag) {
  const input = document.getElementById(flag.dataset.field)
  if (!input) return
  const maximum = Number(flag.dataset.max)
  const update = () => {
    const text = input.value.trim()
    const value = /^\d{1,9}$/.test(text) ? Number(text) : null
    const above = value !== null && value > maximum
    const shown = flag.querySelector('.app-flag')
    if (above && !shown) {
      const strong = document.createElement('strong')
      strong.className = 'app-flag'
      strong.textContent = flag.dataset.message
      flag.replaceChildren(strong)
    } else if (!above && shown) {
      flag.replaceChildren()
    }
  }
  input.addEventListener('input', update)
  update()
}

for (const flag of document.querySelectorAll('[data-app-reference-flag]')) {
  enhance(flag)
}
