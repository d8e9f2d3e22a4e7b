"""Every app's privacy declaration, in the order the download lists them.

Adding an app's personal data: write ``tandem/<app>/privacy.py`` with a ``DECLARATION`` and
add one line here. ``tandem/privacy/tests/test_claims.py`` fails while a model that holds a
person's data is claimed by none of them.
"""

from tandem.accounts import privacy as accounts
from tandem.announcements import privacy as announcements
from tandem.core.personal_data import Declaration
from tandem.dashboard import privacy as dashboard
from tandem.goals import privacy as goals
from tandem.matching import privacy as matching
from tandem.meetings import privacy as meetings
from tandem.partnerships import privacy as partnerships
from tandem.programs import privacy as programs
from tandem.support import privacy as support
from tandem.worksheets import privacy as worksheets

DECLARATIONS: tuple[Declaration, ...] = (
    accounts.DECLARATION,
    programs.DECLARATION,
    matching.DECLARATION,
    partnerships.DECLARATION,
    meetings.DECLARATION,
    goals.DECLARATION,
    worksheets.DECLARATION,
    support.DECLARATION,
    dashboard.DECLARATION,
    announcements.DECLARATION,
)
