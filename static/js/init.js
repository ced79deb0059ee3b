// Progressive enhancement only: every task works without JavaScript.
import { initAll } from '../vendor/govuk/govuk-frontend.min.js'

initAll()
