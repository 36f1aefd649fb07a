"""Sources -> snapshot build, the sample generator and the spreadsheet import."""
