"""Documents made from the store: the township ranking bulletin (通报) as DOCX and PDF."""
