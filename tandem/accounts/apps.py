from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "tandem.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in, user_login_failed

        from tandem.accounts import receivers

        user_logged_in.connect(receivers.record_sign_in, dispatch_uid="tandem_audit_sign_in")
        user_login_failed.connect(
            receivers.record_sign_in_failed, dispatch_uid="tandem_audit_sign_in_failed"
        )
