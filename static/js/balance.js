// Progressive enhancement of the finding editor: the balance indicator follows the form.
// Without JavaScript the indicator shows the state of the form as loaded; the rule itself
// lives in sfo_review/lifecycle.py (finding_is_balanced) and is checked again on saving.

function checkedValues (form, name) {
  return Array.from(form.querySelectorAll(`input[name="${name}"]:checked`)).map((input) => input.value)
}

function stateOf (form, noteMin) {
  const note = form.querySelector('[name="context_note"]')
  const noteLength = note ? note.value.trim().length : 0
  if (!checkedValues(form, 'attribution').includes('individual')) {
    return { state: 'not-individual', noteLength }
  }
  const linked = checkedValues(form, 'systemic_factor_ids').length +
    checkedValues(form, 'caseload_context_ids').length
  const weighed = linked > 0 || noteLength >= noteMin
  return { state: weighed ? 'weighed' : 'missing', noteLength }
}

function enhance (indicator) {
  const form = document.querySelector('input[name="attribution"]')?.form
  if (!form) return
  const noteMin = Number(indicator.dataset.noteMin) || 100
  const announce = indicator.querySelector('[data-balance-announce]')
  let shown = null
  const update = () => {
    const { state, noteLength } = stateOf(form, noteMin)
    for (const message of indicator.querySelectorAll('[data-balance-state]')) {
      message.hidden = message.dataset.balanceState !== state
      // Screen readers hear the new state when it changes, not every keystroke.
      if (!message.hidden && shown !== null && shown !== state && announce) {
        announce.textContent = message.querySelector('.govuk-tag')?.textContent ?? ''
      }
    }
    shown = state
    for (const count of indicator.querySelectorAll('[data-balance-note-length]')) {
      count.textContent = String(noteLength)
    }
  }
  form.addEventListener('input', update)
  form.addEventListener('change', update)
  update()
}

for (const indicator of document.querySelectorAll('[data-app-balance]')) {
  enhance(indicator)
}
