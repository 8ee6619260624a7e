"""The IATI 2.03 export of the portfolio, and the IATI schemas it is validated against."""
