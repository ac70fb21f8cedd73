"""Reading fetched bytes: RSS and Atom through feedparser (feed), JSON Feed (jsonfeed), dates."""
