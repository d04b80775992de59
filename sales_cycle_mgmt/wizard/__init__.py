from . import sales_cycle_velocity
from . import sales_cycle_velocity_line
