"""The programme: sessions of a consultation, speakers placed in them, and the public
programme and list of participants."""
