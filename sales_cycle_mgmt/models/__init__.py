from . import sales_cycle_phase
from . import crm_stage
