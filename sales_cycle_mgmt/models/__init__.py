from . import sales_cycle_phase
from . import sales_cycle_checklist_item
from . import crm_stage
from . import sales_cycle_stage_history
from . import crm_lead
