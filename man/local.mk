# Man pages, installed and linted by tests/man-lint.sh.
