from . import sales_cycle_sql_report
from . import sales_cycle_report
from . import sales_cycle_stage_report
from . import sales_cycle_funnel_report
from . import sales_cycle_snapshot_change
from . import sales_followup_report
from . import sales_one_on_one_coverage_report
from . import sales_pulse_report
