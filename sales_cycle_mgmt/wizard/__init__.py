from . import sales_cycle_velocity
from . import sales_cycle_velocity_line
from . import sales_customer_question_log
