"""The questionnaire workbooks' pages: 01, 02 and 06."""
