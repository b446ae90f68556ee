"""Server-rendered pages for phones and desktops: Vietnamese first, English second."""
