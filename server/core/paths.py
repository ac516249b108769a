"""Where the project's non-Python files live (customer pages, resources)."""

from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
CUSTOMER_WEB_DIR = PROJECT_ROOT / "customer_web"
RESOURCES_DIR = PROJECT_ROOT / "resources"
