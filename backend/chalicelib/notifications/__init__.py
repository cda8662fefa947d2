"""What people receive on their phone: SMS texts in every site language, and what they cost in segments."""
