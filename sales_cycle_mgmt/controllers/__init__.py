from . import sales_pulse
