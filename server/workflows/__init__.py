"""Work that spans domains: a booking change together with the mail that tells the
customer, and the reminders before an appointment."""
