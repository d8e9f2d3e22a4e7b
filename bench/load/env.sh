# The load benchmark's environment, sourced by run.sh and profile.sh: production settings,
# PostgreSQL database $DB (default tandem_load), static files and var/ under $OUT.
export DJANGO_SETTINGS_MODULE=bench.load.settings
export DJANGO_SECRET_KEY="load-test-only-$(printf 'k%.0s' {1..60})"
export DJANGO_ALLOWED_HOSTS=127.0.0.1
export DJANGO_SECURE_SSL_REDIRECT=false
export EMAIL_HOST=localhost
export DATABASE_URL="postgres://postgres@127.0.0.1:5432/${DB:-tandem_load}"
export TANDEM_STATIC_ROOT="$OUT/static"
export TANDEM_VAR_DIR="$OUT/var"
