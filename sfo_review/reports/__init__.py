"""PDF reports rendered with WeasyPrint from templates/pdf/."""
