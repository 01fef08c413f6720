package dev.heartwatch.function.support;

import com.microsoft.azure.functions.HttpResponseMessage;
import com.microsoft.azure.functions.HttpStatusType;
import java.util.LinkedHashMap;
import java.util.Map;

/** The one hand-written fake of the library's response builder, shared by every test. */
public final class FakeResponseBuilder implements HttpResponseMessage.Builder {
    private HttpStatusType status;
    private final Map<String, String> headers = new LinkedHashMap<>();
    private Object body;

    public FakeResponseBuilder(HttpStatusType status) {
        this.status = status;
    }

    @Override
    public HttpResponseMessage.Builder status(HttpStatusType status) {
        this.status = status;
        return this;
    }

    @Override
    public HttpResponseMessage.Builder header(String key, String value) {
        headers.put(key, value);
        return this;
    }

    @Override
    public HttpResponseMessage.Builder body(Object body) {
        this.body = body;
        return this;
    }

    @Override
    public HttpResponseMessage build() {
        HttpStatusType finalStatus = status;
        Map<String, String> finalHeaders = Map.copyOf(headers);
        Object finalBody = body;
        return new HttpResponseMessage() {
            @Override
            public HttpStatusType getStatus() {
                return finalStatus;
            }

            @Override
            public int getStatusCode() {
                return finalStatus.value();
            }

            @Override
            public String getHeader(String key) {
                return finalHeaders.get(key);
            }

            @Override
            public Object getBody() {
                return finalBody;
            }
        };
    }
}
