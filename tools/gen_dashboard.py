#!/usr/bin/env python3
"""Write the managers' Sales Cycle spreadsheet dashboard from the lists below.

The dashboard is an Odoo spreadsheet (JSON) shown by Community's
``spreadsheet_dashboard``: key figures on top, then one chart per report, each
under a title that opens the report itself. Editing the JSON by hand is
error-prone, so it is generated: change KPIS or CHARTS, run this script, commit
the result. ``--check`` exits 1 when the committed file differs (part of
``make test``); tests/test_dashboard.py checks every model, field and measure it
names against the registry, and a tour renders it in Chromium.

Chart titles and labels are exported for translation (``make i18n``).
"""

import argparse
import importlib.util
import json
import sys
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _min_sample():
    """The addon's minimum sample, read from cycle_math (plain Python, no Odoo)."""
    spec = importlib.util.spec_from_file_location("cycle_math", ROOT / "sales_cycle_mgmt" / "cycle_math.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.MIN_SAMPLE


MIN_SAMPLE = _min_sample()
TARGET = ROOT / "sales_cycle_mgmt" / "data" / "files" / "sales_cycle_dashboard.json"
VERSION = "18.5.10"  # spreadsheet data version of Odoo 19's own dashboards

WON = [["won_status", "=", "won"]]
# a won stage holds no time in stage (the deal's cycle ended there)
OPEN_STAGES = [["stage_id.is_won", "=", False]]

# (label, model, measure, sample, domain): one pivot each, its total shown in a
# scorecard (the report defines each figure once: the dashboard adds no domain
# of its own). A rate or average has a sample (measure, label): the scorecard
# shows its count below, and "not enough data" instead of the figure while the
# count is under MIN_SAMPLE.
KPIS = [
    ("Open opportunities", "sales.cycle.report", "open_count", None, []),
    ("Win rate (%)", "sales.cycle.report", "win_rate", ("closed_count", "closed deals"), []),
    ("Days to win", "sales.cycle.report", "days_to_win", ("won_count", "won deals"), []),
    ("Rotting deals", "crm.lead", "__count", None, [["is_rotting", "=", True]]),
    ("Customer NPS", "sales.followup.report", "nps_value", ("answer_count", "answers"), []),
]

# title, model, chart type, measure, group-bys, domain, stacked, report action (xml id);
# an average blank under the minimum sample says so in its title, and is drawn
# as bars, where a blank is no bar, not as a line falling to zero
CHARTS = [
    ("Funnel: leads reaching each phase", "sales.cycle.funnel.report", "odoo_bar", "lead_count",
     ["cycle_phase_id"], [], False, "sales_cycle_funnel_report_action"),
    (f"Average days in stage (stages of {MIN_SAMPLE}+ stays)", "sales.cycle.stage.report", "odoo_bar",
     "duration_days", ["stage_id"], OPEN_STAGES, False, "sales_cycle_stage_report_action"),
    (f"Days to win, by closing month (months of {MIN_SAMPLE}+ won deals)", "sales.cycle.report", "odoo_bar",
     "days_to_win", ["date_closed:month"], WON, False, "sales_cycle_report_action"),
    (f"Win rate by sales team (%; teams of {MIN_SAMPLE}+ closed deals)", "sales.cycle.report", "odoo_bar",
     "win_rate", ["team_id"], [], False, "sales_cycle_report_action"),
    ("Pipeline by weekly snapshot", "sales.cycle.snapshot", "odoo_bar", "expected_revenue",
     ["date:week", "stage_id"], [], True, "sales_cycle_snapshot_action"),
    ("After-sales follow-ups", "sales.followup.report", "odoo_bar", "followup_count",
     ["kind", "state"], [], True, "sales_followup_report_action"),
    ("Content shared, by content", "sales.content.report", "odoo_bar", "share_count",
     ["content_id"], [], False, "sales_content_report_action"),
    (f"Leads with any content, by stage (%; stages of {MIN_SAMPLE}+ leads)", "sales.content.report",
     "odoo_bar", "coverage_rate", ["stage_id"], [], False, "sales_content_report_action_coverage"),
    ("Team eNPS by pulse round", "sales.pulse.report", "odoo_line", "enps",
     ["date:month", "team_id"], [], False, "sales_pulse_report_action"),
    ("Team members met in a one-on-one in 90 days (%)", "sales.one.on.one.coverage.report", "odoo_bar",
     "coverage_90", ["manager_id"], [], False, "sales_one_on_one_coverage_report_action"),
]

MODULE = "sales_cycle_mgmt"
TITLE_STYLE, KPI_STYLE = 1, 2


def _id(*parts):
    """Stable ids, so that regenerating an unchanged list changes nothing."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, "/".join(("sales_cycle_dashboard", *parts))))


def _view_link(title, model, domain, group_by, measure, action):
    """A markdown link that opens the report in its graph view, as stock dashboards do."""
    target = {
        "viewType": "graph",
        "action": {
            "domain": domain,
            "context": {"group_by": group_by, "graph_measure": measure, "graph_groupbys": group_by},
            "modelName": model,
            "views": [[False, "graph"], [False, "pivot"], [False, "list"], [False, "search"]],
        },
        "threshold": 0,
        "name": title,
        "xmlId": f"{MODULE}.{action}",
    }
    return f"[{title}](odoo://view/{json.dumps(target, separators=(',', ':'))})"


def build():
    cells, data_cells, figures, pivots = {}, {}, {}, {}
    cells["A1"] = "=_t(\"Sales Cycle\")"
    styles = {"A1": TITLE_STYLE}
    # key figures: a pivot per figure, its total in the Data sheet, a scorecard on top
    kpi_figures = []
    data_cells["A1"], data_cells["B1"] = "=_t(\"Key figure\")", "=_t(\"Value\")"
    data_cells["C1"], data_cells["D1"] = "=_t(\"Sample\")", "=_t(\"Shown\")"
    for i, (label, model, measure, sample, domain) in enumerate(KPIS, start=1):
        measures = [measure, sample[0]] if sample else [measure]
        pivots[str(i)] = {
            "type": "ODOO", "id": str(i), "formulaId": str(i), "name": label, "model": model,
            "domain": domain, "context": {}, "columns": [], "rows": [], "fieldMatching": {},
            "measures": [{"id": name, "fieldName": name} for name in measures],
        }
        data_cells[f"A{i + 1}"] = f"=_t(\"{label}\")"
        # the report's own figure, in its own format: the number its pivot shows
        value = f"IFERROR(PIVOT.VALUE({i},\"{measure}\"),0)"
        baseline = {}
        if sample:
            count = f"IFERROR(PIVOT.VALUE({i},\"{sample[0]}\"),0)"
            data_cells[f"C{i + 1}"] = f"={count}"
            # the figure's place is too narrow for the words: a dash there, the words below
            data_cells[f"D{i + 1}"] = (
                f"=IF(C{i + 1}<{MIN_SAMPLE},_t(\"not enough data:\")&\" \"&C{i + 1},C{i + 1})"
            )
            value = f"IF(C{i + 1}<{MIN_SAMPLE},\"\u2014\",{value})"
            baseline = {"baseline": f"Data!D{i + 1}", "baselineMode": "text",
                        "baselineDescr": {"text": sample[1]}}
        data_cells[f"B{i + 1}"] = f"={value}"
        chart_id = _id("kpi", label)
        kpi_figures.append({
            "id": chart_id, "tag": "chart", "width": 232, "height": 106,
            "col": 0, "row": 1, "offset": {"x": 240 * (i - 1), "y": 6},
            "data": {
                "type": "scorecard", "chartId": chart_id, "title": {"text": label, "bold": True,
                                                                     "color": "#434343"},
                "keyValue": f"Data!B{i + 1}", "background": "#EFF6FF", "humanize": False,
                "baselineMode": "difference", "baselineColorUp": "#00A04A", "baselineColorDown": "#DC6965",
                **baseline,
            },
        })
    figures = kpi_figures
    # one chart per report, two per band: a title row (a link to the report), the chart below
    band_rows, row = 16, 7
    for n, (title, model, chart_type, measure, group_by, domain, stacked, action) in enumerate(CHARTS):
        col = n % 2
        if n and not col:
            row += band_rows
        cell = f"{'AB'[col]}{row + 1}"
        cells[cell] = _view_link(title, model, domain, group_by, measure, action)
        styles[cell] = KPI_STYLE
        chart_id = _id("chart", title)
        figures.append({
            "id": chart_id, "tag": "chart", "width": 590, "height": 330,
            "col": col, "row": row + 1, "offset": {"x": 0, "y": 0},
            "data": {
                "type": chart_type, "chartId": chart_id, "title": {"text": ""},
                "background": "#FFFFFF", "legendPosition": "top" if len(group_by) > 1 else "none",
                "metaData": {"groupBy": group_by, "measure": measure, "order": None, "resModel": model,
                             "mode": chart_type.removeprefix("odoo_")},
                "searchParams": {"comparison": None, "context": {}, "domain": domain,
                                 "groupBy": group_by, "orderBy": []},
                "dataSets": [], "verticalAxisPosition": "left", "stacked": stacked,
                "cumulative": False, "fieldMatching": {},
            },
        })
    sheet_defaults = {
        "merges": [], "formats": {}, "borders": {}, "conditionalFormats": [], "dataValidationRules": [],
        "tables": [], "areGridLinesVisible": False, "isVisible": True, "headerGroups": {"ROW": [], "COL": []},
        "comments": {},
    }
    return {
        "version": VERSION,
        "sheets": [
            {
                "id": "sales_cycle_dashboard", "name": "Dashboard",
                "colNumber": 2, "rowNumber": row + band_rows + 2,
                "rows": {"0": {"size": 40}, "1": {"size": 120}},
                "cols": {"0": {"size": 600}, "1": {"size": 600}},
                "cells": cells, "styles": styles, "figures": figures, **sheet_defaults,
            },
            {
                "id": "sales_cycle_dashboard_data", "name": "Data",
                "colNumber": 4, "rowNumber": len(KPIS) + 1,
                "rows": {}, "cols": {"0": {"size": 200}}, "cells": data_cells, "styles": {}, "figures": [],
                **dict(sheet_defaults, areGridLinesVisible=True),
            },
        ],
        "styles": {
            str(TITLE_STYLE): {"textColor": "#01666b", "bold": True, "fontSize": 16},
            str(KPI_STYLE): {"bold": True, "fontSize": 11, "textColor": "#434343", "verticalAlign": "middle"},
        },
        "formats": {}, "borders": {}, "revisionId": "START_REVISION", "uniqueFigureIds": True,
        "settings": {}, "pivots": pivots, "pivotNextId": len(KPIS) + 1, "customTableStyles": {},
        "globalFilters": [], "lists": {}, "listNextId": 1, "chartOdooMenusReferences": {},
    }


def render():
    return json.dumps(build(), indent=1, sort_keys=True) + "\n"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 when the committed file is stale")
    args = parser.parse_args(argv)
    text = render()
    if args.check:
        if not TARGET.exists() or TARGET.read_text() != text:
            print(f"{TARGET.relative_to(ROOT)} is stale: run tools/gen_dashboard.py", file=sys.stderr)
            return 1
        return 0
    TARGET.parent.mkdir(parents=True, exist_ok=True)
    TARGET.write_text(text)
    print(f"wrote {TARGET.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
