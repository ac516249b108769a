"""The console's widgets: thin views that show models and emit intent."""
