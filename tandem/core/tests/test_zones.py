from tandem.core.zones import zone_is_known, zone_names_offered


def test_the_offered_zones_are_real_region_zones_sorted_with_utc():
    offered = zone_names_offered()
    assert "Europe/Madrid" in offered and "America/New_York" in offered and "UTC" in offered
    for odd in ("Factory", "localtime", "posixrules", "EST5EDT", "US/Eastern", "Etc/GMT+5"):
        assert odd not in offered
    assert list(offered) == sorted(offered)


def test_odd_names_are_not_valid_but_legacy_aliases_still_are():
    assert not zone_is_known("Factory")
    assert not zone_is_known("localtime")
    assert zone_is_known("US/Eastern")
    assert zone_is_known("Europe/Madrid")
