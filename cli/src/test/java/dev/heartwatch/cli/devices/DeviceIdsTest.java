package dev.heartwatch.cli.devices;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** docs/contract.md §3, device ids. */
class DeviceIdsTest {
  @Test
  void theContractsExample() {
    assertEquals("home-office-pi", DeviceIds.normalize("Home Office/Pi"));
  }

  @Test
  void runsOfOtherCharactersBecomeOneHyphen() {
    assertEquals("a-b", DeviceIds.normalize("a  //  b"));
    assertEquals("pi-4.home_lan", DeviceIds.normalize("Pi 4.home_lan"));
  }

  @Test
  void compatibilityFormsFoldUnderNfkc() {
    assertEquals("pi2", DeviceIds.normalize("\uFF30\uFF49\u00B2")); // fullwidth "Pi" and superscript two
  }

  @Test
  void leadingAndTrailingHyphensAndDotsGo() {
    assertEquals("router", DeviceIds.normalize("..-Router-.."));
  }

  @Test
  void onlyPunctuationNamesNoDevice() {
    assertEquals("", DeviceIds.normalize("!!! ///"));
    assertFalse(DeviceIds.isNormalized(""));
  }

  @Test
  void cutTo64Characters() {
    String id = DeviceIds.normalize("x".repeat(100));
    assertEquals(64, id.length());
    assertTrue(DeviceIds.isNormalized(id));
  }

  @Test
  void controlAndBidiCharactersCannotSurvive() {
    assertEquals("a-b", DeviceIds.normalize("a\u202Eb"));
    assertEquals("a-b", DeviceIds.normalize("a\nb"));
  }
}
