from . import test_install
from . import test_stage_history
from . import test_stage_playbook
from . import test_backfill
from . import test_stalled
from . import test_cron_concurrency
from . import test_ui_tours
