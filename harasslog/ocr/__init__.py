"""Screenshots as evidence: offline OCR of SMS and chat screenshots into events.

engine.py reads the text lines of an image (the optional `ocr` extra: rapidocr-onnxruntime, whose
wheel carries its models, so nothing is downloaded); layout.py groups lines into bubbles, finds the
header and the time separators (pure); stamps.py reads the separators' times (pure);
screenshot.py turns one image into events and stores it; review.py is the step that keeps
wording read by OCR in the review tier until a person has confirmed or corrected the text.
"""
