"""Who runs the site and how to reach them, as a Chinese government service site shows it: the
emblem and name in the header; in the footer the sponsor (主办单位), the service centre's address
and phone, and the site's filings (ICP备案号, 公安机关备案号, 政府网站标识码), all from settings
(portal/config.py) so that another procuratorate deploys the portal without editing templates.

A filing not yet granted is an empty setting and is left out: a made-up number in a footer would
claim a registration the site does not have.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# The public security filing's record is looked up by the digits of its number.
PSB_RECORD_URL = "https://beian.mps.gov.cn/#/query/webSearch?code={code}"
ICP_RECORD_URL = "https://beian.miit.gov.cn/"


@dataclass(frozen=True)
class ServiceCentre:
    """The procuratorate's service centre (检察服务中心), in the reader's language."""

    address: str
    phone: str
    hotline: str
    hours: str
    directions: str


@dataclass(frozen=True)
class Filings:
    """The registrations shown in the footer; an empty one is not shown."""

    icp_number: str
    psb_number: str
    gov_code: str

    icp_record_url = ICP_RECORD_URL

    @property
    def psb_record_url(self) -> str:
        return PSB_RECORD_URL.format(code=re.sub(r"\D", "", self.psb_number))


def service_centre(config, *, chinese: bool) -> ServiceCentre:
    """The settings in Chinese, or their English twins (`..._EN`) for English pages; the phone
    numbers are the same in both."""

    def text(name: str) -> str:
        return config[name] if chinese else config[f"{name}_EN"]

    return ServiceCentre(
        address=text("SERVICE_CENTRE_ADDRESS"),
        phone=config["SERVICE_CENTRE_PHONE"],
        hotline=config["SERVICE_CENTRE_HOTLINE"],
        hours=text("SERVICE_CENTRE_HOURS"),
        directions=text("SERVICE_CENTRE_DIRECTIONS"),
    )


def filings(config) -> Filings:
    return Filings(
        icp_number=config["SITE_ICP_NUMBER"].strip(),
        psb_number=config["SITE_PSB_NUMBER"].strip(),
        gov_code=config["SITE_GOV_CODE"].strip(),
    )


def tel_href(number: str) -> str:
    """A tap-to-call link for a number as people write it ("010-1234 5678", "12309"): the
    digits, and a leading + for an international number."""
    plus = "+" if number.strip().startswith("+") else ""
    return "tel:" + plus + re.sub(r"\D", "", number)
