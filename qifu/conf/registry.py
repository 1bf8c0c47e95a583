"""Every server-level setting Qifu reads from the environment, with its default and meaning.

`settings.py` reads these through `conf.env`; a test fails when an entry is missing from the
README's configuration table, so the documentation cannot drift from the code.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Setting:
    name: str
    default: str
    help: str


SETTINGS: tuple[Setting, ...] = (
    Setting("QIFU_DEBUG", "0", "Debug mode (1/0). Never 1 in production."),
    Setting(
        "QIFU_SECRET_KEY",
        "(none)",
        "Django secret key. Required when QIFU_DEBUG=0; a development key is generated under var/ otherwise.",
    ),
    Setting("QIFU_ALLOWED_HOSTS", "127.0.0.1,localhost", "Comma-separated host names the server answers."),
    Setting(
        "QIFU_DATABASE_URL",
        "sqlite:///var/qifu.sqlite3",
        "Database URL: the embedded SQLite file (WAL) by default, postgres://… in production.",
    ),
    Setting("QIFU_REDIS_URL", "(unset)", "When set, the cache, cached sessions and the job queue (Huey) use Redis."),
    Setting("QIFU_DATA_DIR", "var", "Directory for the SQLite file, uploads, the job queue and keys."),
    Setting(
        "QIFU_FILES_DIR",
        "var/files (under QIFU_DATA_DIR)",
        "Directory of uploaded attachments, stored under random names; must be outside any static or web root.",
    ),
    Setting("QIFU_UPLOAD_MAX_MB", "20", "Largest attachment accepted, in MB; bigger requests are answered 413."),
    Setting(
        "QIFU_FILES_SCANNER",
        "qifu.files.scanning.EicarScanner",
        "Dotted path of the malware scanner class for uploads (the default only knows the EICAR test string).",
    ),
    Setting(
        "QIFU_FIELD_KEY",
        "(generated in var/ when QIFU_DEBUG=1)",
        "SM4 key (32 hex digits) for encrypting contact data at rest. Required when QIFU_DEBUG=0.",
    ),
    Setting(
        "QIFU_AUDIT_KEY",
        "(generated in var/ when QIFU_DEBUG=1)",
        "HMAC-SM3 key (hex) chaining the audit log. Required when QIFU_DEBUG=0.",
    ),
    Setting("QIFU_HTTPS", "1", "1: secure cookies, HSTS and HTTPS redirect. 0 only for HTTP-only intranets."),
    Setting("QIFU_HSTS_SECONDS", "31536000", "HSTS max-age when QIFU_HTTPS=1."),
    Setting("QIFU_SESSION_IDLE_MINUTES", "30", "Idle session timeout for staff and enterprise users."),
    Setting("QIFU_ADMIN_SESSION_IDLE_MINUTES", "15", "Idle session timeout for the three administrators."),
    Setting("QIFU_SESSION_ABSOLUTE_HOURS", "12", "Absolute session lifetime."),
    Setting("QIFU_ZONE_NAME", "昆山高新区", "The zone's name shown in the top bar."),
    Setting("QIFU_DEMO_PASSWORD", "(generated, printed by seed)", "Password of the demo accounts."),
    Setting("QIFU_LOG_LEVEL", "INFO", "Log level of the JSON logs on stderr."),
    Setting(
        "QIFU_ASSESS_BASIC_WEIGHT",
        "0.9",
        "Assessment: weight w of 基本满意 in 满意率 = (满意 + w × 基本满意) / valid cases; 0-1.",
    ),
    Setting(
        "QIFU_ASSESS_WEIGHTS",
        "0.1,0.5,0.4",
        "Assessment composite: weights of 响应率, 解决率, 满意率; each 0-1, summing to 1.",
    ),
    Setting(
        "QIFU_ASSESS_MIN_CASES",
        "5",
        "Assessment 红黑榜: departments with fewer valid cases in the period are listed apart, not ranked.",
    ),
    Setting(
        "QIFU_VISIT_BUDGET",
        "2",
        "无事不扰: counted contacts (visits, inspections, meeting invitations) per enterprise and month before "
        "a new visit needs a written reason; an enterprise may set its own.",
    ),
    Setting(
        "QIFU_VISIT_REMINDER_DAYS",
        "5",
        "Visits: liaisons with enterprises still due are reminded this many days before the month's end.",
    ),
    Setting(
        "QIFU_PROJECT_LATE_DAYS",
        "30",
        "Project board: a milestone not done more than this many calendar days past its plan (or 开工/竣工/投产 "
        "done more than this late, while steps remain) makes a project late (滞后).",
    ),
    Setting(
        "QIFU_PROJECT_RISK_WINDOW_DAYS",
        "30",
        "Project board: a milestone due within this many days after an earlier step was done late puts the "
        "project at risk (有风险).",
    ),
    Setting(
        "QIFU_PROJECT_RISK_INVESTMENT",
        "0.6",
        "Project board: a project being prepared or built whose investment this year is below this share of the "
        "pro-rata annual plan is at risk; 0-1.",
    ),
    Setting(
        "QIFU_ALERTS_DUE_WORKDAYS",
        "5",
        "Early warnings: working days (zone calendar) a liaison has to act on a new alert; 1-60.",
    ),
    Setting(
        "QIFU_NOTIFY_CHANNELS",
        "email",
        "External notification channels, comma-separated: email, sms, wecom (the in-app inbox is always on).",
    ),
    Setting(
        "QIFU_NOTIFY_DIGEST_MINUTES",
        "60",
        "Non-urgent notifications reach a person at most once per this many minutes per channel, as one digest.",
    ),
    Setting("QIFU_EMAIL_FROM", "qifu@localhost", "Sender of notification e-mails (SMTP relay on localhost:25)."),
    Setting("QIFU_SMS_URL", "(unset)", "SMS gateway URL: POST JSON {phone, text}. Required when sms is a channel."),
    Setting("QIFU_SMS_TOKEN", "(unset)", "Bearer token for the SMS gateway, if it wants one."),
    Setting(
        "QIFU_WECOM_WEBHOOK",
        "(unset)",
        "企业微信 group-robot webhook URL of the zone's group. Required when wecom is a channel.",
    ),
)
