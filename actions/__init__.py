"""Thin rasa-sdk actions: read the tracker, call bot/, return events. One action per module."""
