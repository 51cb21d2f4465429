from django.contrib import admin
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

# django-otp's own admin pages name the devices in English only and offer what an administrator
# has no use for (keys, counters); the users' page resets a user's second factor instead
# (accounts.actions). Runs after django-otp's apps registered them (INSTALLED_APPS order).
admin.site.unregister(TOTPDevice)
admin.site.unregister(StaticDevice)
