package dev.heartwatch.common;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class EditDistanceTest {
    @Test
    void countsInsertionsDeletionsAndSubstitutions() {
        assertEquals(0, EditDistance.between("HEARTWATCH_PORT", "HEARTWATCH_PORT"));
        assertEquals(1, EditDistance.between("HEARTWATCH_TRESHOLD", "HEARTWATCH_THRESHOLD"), "a letter left out");
        assertEquals(1, EditDistance.between("HEARTWATCH_THRESHHOLD", "HEARTWATCH_THRESHOLD"), "a letter doubled");
        assertEquals(1, EditDistance.between("HEARTWATCH_PORD", "HEARTWATCH_PORT"), "a letter replaced");
        assertEquals(3, EditDistance.between("kitten", "sitting"));
        assertEquals(5, EditDistance.between("", "HEART"));
        assertEquals(5, EditDistance.between("HEART", ""));
    }

    @Test
    void aSwapOfNeighboursIsOneEdit() {
        assertEquals(1, EditDistance.between("HEARTWATCH_THERSHOLD", "HEARTWATCH_THRESHOLD"));
        assertEquals(2, EditDistance.between("ab", "c"), "not a swap");
        assertEquals(1, EditDistance.between("ab", "ba"));
    }

    @Test
    void theClosestCandidateWithinTheBoundIsSuggested() {
        List<String> names = List.of("HEARTWATCH_THRESHOLD", "HEARTWATCH_LOOKBACK", "HEARTWATCH_PORT");
        assertEquals(Optional.of("HEARTWATCH_THRESHOLD"), EditDistance.closest("HEARTWATCH_TRESHOLD", names, 2));
        assertEquals(Optional.of("HEARTWATCH_PORT"), EditDistance.closest("HEARTWATCH_PROT", names, 2));
        assertEquals(Optional.empty(), EditDistance.closest("HEARTWATCH_SESSION", names, 2), "nothing near");
        assertEquals(Optional.empty(), EditDistance.closest("anything", List.of(), 5));
    }
}
