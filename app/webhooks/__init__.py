"""Webhooks: signed POSTs to endpoints admins configure, sent by the queue when things happen."""
