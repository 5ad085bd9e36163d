"""The container's health check: the server's /_stcore/health under the base path
it was given (STREAMLIT_SERVER_BASE_URL_PATH), on its port. Exit 0 healthy, 1 not."""

import os
import sys
import urllib.request


def health_url() -> str:
    base = os.environ.get("STREAMLIT_SERVER_BASE_URL_PATH", "").strip("/")
    port = os.environ.get("STREAMLIT_SERVER_PORT", "8501")
    return f"http://127.0.0.1:{port}/{base + '/' if base else ''}_stcore/health"


def main() -> int:
    try:
        with urllib.request.urlopen(health_url(), timeout=4) as answer:
            return 0 if answer.status == 200 else 1
    except OSError:
        return 1


if __name__ == "__main__":
    sys.exit(main())
