from . import sales_cycle_report
from . import sales_cycle_stage_report
from . import sales_cycle_funnel_report
from . import sales_cycle_snapshot_change
from . import sales_followup_report
from . import sales_content_report
