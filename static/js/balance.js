// Progressive enhancement of the finding editor: the balance indicator follows the form.
// Without JavaScript the indicator shows the state of the form as loaded; the rule itself
// lives in sfo_review/lifecycle.py (finding_is_balanced, finding_context_weighed) and is
// checked again on saving. It concerns individual shortfall findings only: judged
// insufficient and attributed to an individual. Good practice or sufficient is praise or a
// neutral judgement, never blame.

function checkedValues (form, name) {
  return Array.from(form.querySelectorAll(`input[name="${name}"]:checked`)).map((input) => input.value)
}

function parsed (text, fallback) {
  try {
    return JSON.parse(text)
  } catch {
    return fallback
  }
}

function subjectsOf (form, indicator) {
  // The subjects field when the form has one; the saved subjects otherwise.
  if (form.querySelector('input[name="subject_participant_ids"]')) {
    return checkedValues(form, 'subject_participant_ids')
  }
  return parsed(indicator.dataset.savedSubjects, []).map(String)
}

function judgementOf (form) {
  const chosen = form.querySelector('input[name="judgement"]:checked')
  if (chosen) return chosen.value
  const select = form.querySelector('select[name="judgement"]')
  return select ? select.value : ''
}

function stateOf (form, indicator, noteMin) {
  const note = form.querySelector('[name="context_note"]')
  const noteLength = note ? note.value.trim().length : 0
  if (!checkedValues(form, 'attribution').includes('individual')) {
    return { state: 'not-individual', noteLength }
  }
  // Praise or neutral once chosen; until a judgement is chosen the rule is shown as it
  // would apply to a shortfall.
  const judgement = judgementOf(form)
  if (judgement && judgement !== 'insufficient') {
    return { state: 'praise-or-neutral', noteLength }
  }
  const contexts = parsed(indicator.dataset.subjectContexts, {})
  const linkedContexts = checkedValues(form, 'caseload_context_ids')
  const everySubjectLinked = subjectsOf(form, indicator).every((subject) => {
    const theirs = (contexts[subject] || []).map(String)
    return theirs.length === 0 || theirs.some((id) => linkedContexts.includes(id))
  })
  const factorLinked = checkedValues(form, 'systemic_factor_ids').length > 0
  const weighed = (factorLinked && everySubjectLinked) || noteLength >= noteMin
  return { state: weighed ? 'weighed' : 'missing', noteLength }
}

function enhance (indicator) {
  const form = document.querySelector('input[name="attribution"]')?.form
  if (!form) return
  const noteMin = Number(indicator.dataset.noteMin) || 100
  const announce = indicator.querySelector('[data-balance-announce]')
  let shown = null
  const update = () => {
    const { state, noteLength } = stateOf(form, indicator, noteMin)
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
