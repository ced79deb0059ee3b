// Progressive enhancement of the region and PDU selects (sfo_review/area_fields.py): the
// PDU select offers only the chosen region's PDUs. Without JavaScript it lists every PDU
// as "PDU (Region)", and the service refuses a PDU of another region with a message.

function narrow (regionSelect, pduSelect) {
  const region = regionSelect.value
  for (const option of pduSelect.options) {
    const of = option.dataset.region
    const shown = !of || !region || of === region
    option.hidden = !shown
    option.disabled = !shown
    if (of) {
      option.dataset.label = option.dataset.label || option.textContent
      option.textContent = region ? option.value : option.dataset.label
    }
  }
  const chosen = pduSelect.selectedOptions[0]
  if (chosen && chosen.disabled) pduSelect.value = ''
}

for (const pduSelect of document.querySelectorAll('select[data-region-select]')) {
  const regionSelect = document.getElementById(pduSelect.dataset.regionSelect)
  if (regionSelect) {
    narrow(regionSelect, pduSelect)
    regionSelect.addEventListener('change', () => narrow(regionSelect, pduSelect))
  }
}
