from . import sales_followup_report
