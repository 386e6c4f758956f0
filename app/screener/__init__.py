"""The parent screener: the pages a family opens from a link, QR code or clinic tablet."""
