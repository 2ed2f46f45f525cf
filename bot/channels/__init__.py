"""Code that runs inside the Rasa process (Python 3.10): imports only Rasa, slack_sdk and the standard library."""
