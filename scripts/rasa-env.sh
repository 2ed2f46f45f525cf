# Sourced by the scripts that run Rasa: no telemetry, and quiet about its dependencies' deprecations.
export RASA_TELEMETRY_ENABLED=false
export SQLALCHEMY_SILENCE_UBER_WARNING=1
export TF_CPP_MIN_LOG_LEVEL=2
export PYTHONWARNINGS=ignore
