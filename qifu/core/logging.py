import json
import logging
from datetime import UTC, datetime

from qifu.core import context


class JsonFormatter(logging.Formatter):
    """One JSON object per line, UTC timestamps, the request id attached."""

    def format(self, record: logging.LogRecord) -> str:
        payload = {
            "ts": datetime.fromtimestamp(record.created, tz=UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "msg": record.getMessage(),
            "request_id": context.current().request_id,
        }
        if record.exc_info:
            payload["exc"] = self.formatException(record.exc_info)
        return json.dumps(payload, ensure_ascii=False)
