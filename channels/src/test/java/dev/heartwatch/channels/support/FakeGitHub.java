package dev.heartwatch.channels.support;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.heartwatch.channels.support.FakeService.Answer;
import dev.heartwatch.channels.support.FakeService.Request;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * GitHub's issues endpoints for one repository ({@code acme/net}), keeping its issues and
 * comments, in the documented shapes (docs.github.com/rest/issues/issues: list newest first,
 * create 201 with {@code number}, update 200; rest/issues/comments: create 201 with {@code id};
 * 401 {@code Bad credentials} for another token).
 */
public final class FakeGitHub {
    public static final String REPO = "acme/net";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern ISSUE = Pattern.compile("/repos/acme/net/issues/(\\d+)(/comments)?");

    private final String token;
    private final List<ObjectNode> issues = new ArrayList<>();
    private final List<String> comments = new ArrayList<>();

    public FakeGitHub(String token) {
        this.token = token;
    }

    public synchronized List<ObjectNode> issues() {
        return List.copyOf(issues);
    }

    /** "number: body" of every comment, in order. */
    public synchronized List<String> comments() {
        return List.copyOf(comments);
    }

    /** An issue opened by someone else (another outage, another tool). */
    public synchronized void open(String title, String body) {
        issues.add(JSON.createObjectNode().put("title", title).put("body", body).put("number", issues.size() + 1)
                .put("state", "open"));
    }

    public synchronized Answer answer(Request r) {
        if (!("Bearer " + token).equals(r.header("Authorization"))) {
            return Answer.json(401, "{\"message\":\"Bad credentials\"}");
        }
        try {
            if (r.method().equals("GET") && r.path().equals("/repos/acme/net/issues")) {
                ArrayNode list = JSON.createArrayNode();
                for (int i = issues.size() - 1; i >= 0; i--) {
                    list.add(issues.get(i));
                }
                return Answer.json(200, list.toString());
            }
            if (r.method().equals("POST") && r.path().equals("/repos/acme/net/issues")) {
                ObjectNode issue = (ObjectNode) JSON.readTree(r.body());
                issue.put("number", issues.size() + 1).put("state", "open");
                issues.add(issue);
                return Answer.json(201, issue.toString());
            }
            Matcher m = ISSUE.matcher(r.path());
            if (m.matches() && Integer.parseInt(m.group(1)) <= issues.size()) {
                ObjectNode issue = issues.get(Integer.parseInt(m.group(1)) - 1);
                if (m.group(2) != null && r.method().equals("POST")) {
                    comments.add(m.group(1) + ": " + JSON.readTree(r.body()).path("body").asText());
                    return Answer.json(201, "{\"id\":" + (9000 + comments.size()) + "}");
                }
                if (r.method().equals("PATCH")) {
                    issue.put("state", JSON.readTree(r.body()).path("state").asText());
                    return Answer.json(200, issue.toString());
                }
            }
        } catch (Exception e) {
            return Answer.json(400, "{\"message\":\"Problems parsing JSON\"}");
        }
        return Answer.json(404, "{\"message\":\"Not Found\"}");
    }
}
