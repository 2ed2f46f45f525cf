"""Customer-service training chatbot: the scenario engine, skill detectors, scoring, store and web app."""

__version__ = "0.1.0"
