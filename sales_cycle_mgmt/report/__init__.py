from . import sales_cycle_report
from . import sales_cycle_stage_report
from . import sales_followup_report
