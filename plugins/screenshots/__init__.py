"""Screenshots of each page type of a built site, taken in headless Chromium."""
