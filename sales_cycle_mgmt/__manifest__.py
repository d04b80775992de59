{
    "name": "Sales Cycle Management",
    "summary": "Run CRM as a managed sales cycle: phases, stage playbooks with exit "
    "checklists, stored stage history, stalled deals and after-sales follow-ups with "
    "customer NPS",
    "version": "19.0.1.0.0",
    "category": "Sales/CRM",
    "license": "LGPL-3",
    "author": "Sales Cycle Management contributors",
    "depends": ["crm", "survey", "calendar"],
    "external_dependencies": {"python": []},
    "data": [
        "security/ir.model.access.csv",
        "security/sales_cycle_security.xml",
        "data/sales_cycle_phase_data.xml",
        "data/mail_activity_type_data.xml",
        "data/survey_data.xml",
        "data/sales_followup_data.xml",
        "data/mail_template_data.xml",
        "data/ir_cron.xml",
        "views/sales_cycle_phase_views.xml",
        "views/crm_stage_views.xml",
        "views/crm_lead_views.xml",
        "views/sales_cycle_stage_history_views.xml",
        "views/sales_followup_views.xml",
        "views/res_partner_views.xml",
        "views/res_config_settings_views.xml",
        "report/sales_followup_report_views.xml",
        "report/sales_cycle_report_views.xml",
        "wizard/sales_cycle_velocity_views.xml",
        "views/menus.xml",
    ],
    "demo": [
        "demo/sales_cycle_demo.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "sales_cycle_mgmt/static/tests/tours/**/*",
        ],
    },
    "post_init_hook": "post_init_hook",
    "application": True,
    "installable": True,
}
