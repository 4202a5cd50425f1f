"""The course as data: load lessons, exercises and question banks, and check them."""
